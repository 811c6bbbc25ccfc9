"""Security: the keystore that guards the database key, and SQLCipher key helpers."""
