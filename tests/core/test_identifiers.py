"""Phones and document numbers written one way (issue 15, item 4)."""

from __future__ import annotations

import pytest

from app.core.identifiers import (
    PhoneError,
    document_key,
    national_phone,
    phone_match_key,
    phone_query_keys,
    phone_search_keys,
)


@pytest.mark.parametrize(("typed", "stored"), [
    ("09121234567", "09121234567"),
    ("0912 123 4567", "09121234567"),
    ("۰۹۱۲۱۲۳۴۵۶۷", "09121234567"),
    ("9121234567", "09121234567"),          # the leading 0 left out
    ("+98 912 123 4567", "09121234567"),
    ("0098 912 123 4567", "09121234567"),
    ("989121234567", "09121234567"),        # country code without +
    ("(054) 3322-1234", "05433221234"),     # Zahedan landline
    ("5433221234", "05433221234"),
    ("+93 70 123 4567", "0701234567"),      # Afghan mobile, international
    ("0093701234567", "0701234567"),
    ("93701234567", "0701234567"),
    ("0701234567", "0701234567"),
    ("701234567", "0701234567"),            # Afghan mobile without its 0
    ("+92 300 1234567", "+923001234567"),   # another country stays international
    ("", ""),
])
def test_phones_are_stored_one_way(typed, stored):
    assert national_phone(typed) == stored


@pytest.mark.parametrize(("typed", "code"), [
    ("0912123456", "phone_ir_mobile"), ("091212345678", "phone_ir_mobile"), ("07012345", "phone_af_mobile"),
    ("12", "phone"), ("09a2123456", "phone"),
])
def test_impossible_phones_are_refused_with_a_reason(typed, code):
    with pytest.raises(PhoneError) as info:
        national_phone(typed)
    assert info.value.code == code
    assert "123" not in str(info.value)  # the message never repeats the number


def test_every_typed_form_is_searchable():
    # One index row per phone (its national form); every typed form is brought to it.
    assert phone_search_keys("09121234567") == {"09121234567"}
    assert phone_search_keys("0701234567") == {"0701234567"}
    assert phone_search_keys("+44 20 7946 0000") == {"442079460000"}
    for typed in ("0912123", "912123", "98912123", "+98912123", "0098 912 123", "۰۹۱۲۱۲۳"):
        assert "0912123" in phone_query_keys(typed), typed
    for typed in ("070123", "70123", "9370123", "+93 70123", "0093 70 123"):
        assert "070123" in phone_query_keys(typed), typed
    assert "0930123" in phone_query_keys("930123")  # an Iranian 093… mobile typed without its 0
    # A number stored before normalisation existed is indexed the same way.
    assert phone_search_keys("+93701234567") == phone_search_keys("0701234567")
    assert phone_match_key("+98 912 123 4567") == phone_match_key("9121234567")


@pytest.mark.parametrize("variants", [
    ["P 7788-9900", "p77889900", "P۷۷۸۸۹۹۰۰", "P.7788.9900"],
    ["AM-18-2034561", "am182034561", "AM 18 2034561"],
    ["۱۲۳۴-الف", "1234 الف"],
])
def test_document_numbers_without_separators_case_folded(variants):
    assert len({document_key(v) for v in variants}) == 1
    assert document_key("AB-12") != document_key("AB-13")
