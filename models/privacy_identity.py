# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What identifies a person in free text (names, e-mails, phones, document
numbers, IBANs), as regular expressions that PostgreSQL (``~*``) and Python
(``re``) read alike: the database finds the rows, Python rewrites them.

A name matches in any case, with or without accents, HTML-escaped
(``O&#39;Brien``) and with its words in another order (``Durand Camille``).
"""

import re
import unicodedata
from collections import defaultdict

# letters of a word: a name is not matched inside a longer word
WORD = "0-9A-Za-z\u00c0-\u024f"
# between the words of a name: spaces, hyphens, apostrophes, as typed or
# HTML-escaped
SEPARATOR = (
    r"(?:\s|&nbsp;|&#160;|&#39;|&#x27;|&apos;|&#8217;|&rsquo;|[-'\u2019\u2018.,_])+"
)
MASK = "***"


def _letter_classes():
    """``{"e": "[EeÉéÈè...]"}``: each ASCII letter with its accented forms in
    both cases (PostgreSQL folds the case of ASCII letters only in a C
    locale)."""
    variants = defaultdict(set)
    for code in range(0x41, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if not (base.isascii() and base.isalpha()):
            continue
        for form in (char, char.lower(), char.upper()):
            if len(form) == 1:
                variants[base.lower()].add(form)
    return {
        base: "[" + "".join(sorted(chars)) + "]" for base, chars in variants.items()
    }


LETTERS = _letter_classes()


def _word(token):
    parts = []
    for char in token:
        base = unicodedata.normalize("NFKD", char)[0].lower()
        parts.append(LETTERS.get(base) or re.escape(char))
    return "".join(parts)


def name_pattern(name):
    """A person's name, or None when too short to be told from other words
    (a single word of less than 8 letters)."""
    tokens = [token for token in re.split(r"[\W_]+", name or "") if token]
    if not tokens or len("".join(tokens)) < 5:
        return None
    if len(tokens) == 1 and len(tokens[0]) < 8:
        return None
    orders = [tokens]
    if len(tokens) > 1:
        orders.append(tokens[1:] + tokens[:1])
    body = "|".join(SEPARATOR.join(_word(token) for token in order) for order in orders)
    return f"(?<![{WORD}])(?:{body})(?![{WORD}])"


def email_pattern(email):
    email = (email or "").strip()
    if "@" not in email or len(email) < 6:
        return None
    return re.escape(email)


def phone_pattern(phone):
    """Its last 9 digits (8 at least), whatever the separators: found in
    ``+33 6 91 82 73 64`` as in ``06.91.82.73.64``."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 8:
        return None
    return r"(?:\s|[.()/-])*".join(digits[-9:]) + "(?![0-9])"


def number_pattern(number):
    """A document number, an IBAN, a VAT number: its letters and digits, in
    groups or not."""
    chars = [char for char in number or "" if char.isalnum()]
    if len(chars) < 5:
        return None
    body = r"(?:\s|-)?".join(re.escape(char) for char in chars)
    return f"(?<![0-9A-Za-z]){body}(?![0-9A-Za-z])"


class Identity:
    """Everything that names one person, gathered before it is erased."""

    def __init__(self, label):
        self.label = label
        self.names, self.emails, self.phones, self.numbers = set(), set(), set(), set()

    def add(self, names=(), emails=(), phones=(), numbers=()):
        self.names.update(filter(None, names))
        self.emails.update(filter(None, emails))
        self.phones.update(filter(None, phones))
        self.numbers.update(filter(None, numbers))

    def _patterns(self):
        """``(names, others)``: names are replaced by the label, the rest by
        a mask."""
        names = {name_pattern(name) for name in self.names}
        others = {email_pattern(email) for email in self.emails}
        others |= {phone_pattern(phone) for phone in self.phones}
        others |= {number_pattern(number) for number in self.numbers}
        # longest first: a whole name before a part of it
        return (
            sorted(filter(None, names), key=len, reverse=True),
            sorted(filter(None, others), key=len, reverse=True),
        )

    def pattern(self):
        """One expression for all of it (None when nothing to look for)."""
        names, others = self._patterns()
        return "|".join(names + others) or None

    def replace(self, text):
        """``text`` without the person: its names read as the label."""
        if not text:
            return text
        names, others = self._patterns()
        if names:
            text = re.sub(
                "|".join(names), lambda _m: self.label, text, flags=re.IGNORECASE
            )
        if others:
            text = re.sub("|".join(others), MASK, text, flags=re.IGNORECASE)
        return text
