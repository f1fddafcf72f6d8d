"""Names in the other script, as people in Andhra Pradesh spell them: Telugu script to the
English spelling a certificate's English half prints, and English spellings to Telugu script."""

from __future__ import annotations

import pytest

from manamitra.names import both_scripts, has_latin, has_telugu, to_latin, to_telugu

TELUGU_TO_ENGLISH = [
    ("లక్ష్మి దేవి", "Lakshmi Devi"),
    ("వెంకట రావు", "Venkata Rao"),
    ("రవి కుమార్ రెడ్డి", "Ravi Kumar Reddy"),
    ("శ్రీనివాస్", "Srinivas"),
    ("సూర్య నారాయణ", "Surya Narayana"),
    ("చంద్రశేఖర్", "Chandrasekhar"),
    ("కృష్ణ", "Krishna"),
    ("రమేష్", "Ramesh"),
    ("సుజాత", "Sujatha"),
    ("సునీత", "Sunitha"),
    ("పద్మావతి", "Padmavathi"),
    ("గోపాల్", "Gopal"),
    ("ప్రసాద్", "Prasad"),
    ("అనిల్", "Anil"),
    ("మాధవి", "Madhavi"),
    ("శివ", "Siva"),
    ("శంకర్", "Sankar"),
    ("నాగేశ్వర రావు", "Nageswara Rao"),
    ("అంజలి", "Anjali"),
    ("భాస్కర్", "Bhaskar"),
    ("ఆంజనేయులు", "Anjaneyulu"),
    ("రాజేశ్వరి", "Rajeswari"),
    ("దుర్గ", "Durga"),
    ("పవన్ కళ్యాణ్", "Pavan Kalyan"),
    ("మహేష్ బాబు", "Mahesh Babu"),
    ("స్వాతి", "Swathi"),
    ("విశ్వనాథ్", "Viswanath"),
    ("కె. లక్ష్మి", "K. Lakshmi"),
    ("ఎస్. రాజేశ్వరి", "S. Rajeswari"),
    ("సుబ్బయ్య నాయుడు", "Subbaiah Naidu"),
    ("కాపు", "Kapu"),
    ("మంగళగిరి", "Mangalagiri"),
    ("గుంటూరు", "Guntur"),
    ("అనంతపురం", "Anantapur"),
    ("కాకినాడ", "Kakinada"),
    ("ఏలూరు", "Eluru"),
]

ENGLISH_TO_TELUGU = [
    ("Ravi Kumar", "రవి కుమార్"),
    ("Lakshmi Devi", "లక్ష్మి దేవి"),
    ("Venkata Rao", "వెంకట రావు"),
    ("Ravi Kumar Reddy", "రవి కుమార్ రెడ్డి"),
    ("Srinivas", "శ్రీనివాస్"),
    ("Suresh", "సురేష్"),
    ("Ramesh Chowdary", "రమేష్ చౌదరి"),
    ("Gopal", "గోపాల్"),
    ("Prasad", "ప్రసాద్"),
    ("Anil", "అనిల్"),
    ("Shiva", "శివ"),
    ("Shankar", "శంకర్"),
    ("Nageswara Rao", "నాగేశ్వర రావు"),
    ("Anjali", "అంజలి"),
    ("K. Lakshmi", "కె. లక్ష్మి"),
    ("Bhaskar", "భాస్కర్"),
    ("Rajeswari", "రాజేశ్వరి"),
    ("Durga", "దుర్గ"),
    ("Pavan", "పవన్"),
    ("Mahesh Babu", "మహేష్ బాబు"),
    ("Chandra Sekhar", "చంద్ర శేఖర్"),
    ("Satyanarayana", "సత్యనారాయణ"),
    ("Divya", "దివ్య"),
    ("Chaitanya", "చైతన్య"),
    ("Harika", "హరిక"),
    ("Vijaya", "విజయ"),
    ("Venkatesh", "వెంకటేష్"),
    ("Sai Naidu", "సాయి నాయుడు"),
    ("Kamala", "కమల"),
    ("Guntur", "గుంటూరు"),
    ("Brodipet", "బ్రాడీపేట"),
]


@pytest.mark.parametrize(("telugu", "english"), TELUGU_TO_ENGLISH)
def test_a_telugu_name_is_spelt_as_in_english(telugu: str, english: str) -> None:
    assert to_latin(telugu) == english


@pytest.mark.parametrize(("english", "telugu"), ENGLISH_TO_TELUGU)
def test_an_english_name_is_written_in_telugu_script(english: str, telugu: str) -> None:
    assert to_telugu(english) == telugu
    assert to_telugu(english.upper()) == telugu


def test_a_name_given_in_one_script_comes_back_in_both() -> None:
    assert both_scripts("", "లక్ష్మి దేవి") == ("Lakshmi Devi", "లక్ష్మి దేవి")
    assert both_scripts("Ravi Kumar", "") == ("Ravi Kumar", "రవి కుమార్")
    assert both_scripts("Suresh రెడ్డి", "") == ("Suresh Reddy", "సురేష్ రెడ్డి")
    assert both_scripts("  Ravi  ", "రవి") == ("Ravi", "రవి")


def test_digits_and_punctuation_are_kept_and_each_script_is_whole() -> None:
    address = to_latin("ఇంటి నం. 4-12, బ్రాడీపేట, గుంటూరు")
    assert address.endswith("4-12, Brodipet, Guntur") and not has_telugu(address)
    written = to_telugu("Door 4-12, Guntur")
    assert "4-12, గుంటూరు" in written and not has_latin(written)
