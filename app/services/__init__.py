"""Use cases: one function per thing a user does (verb_noun), validated with pydantic, no Qt."""
