"""Password hashing (argon2id) and the password policy."""

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
MAX_LENGTH = 1000
COMMON_PASSWORDS_FILE = Path(__file__).parents[2] / "data" / "common_passwords.txt"


def _hasher():
    """An argon2id hasher with this deployment's costs."""
    return PasswordHasher(
        time_cost=current_app.config["COURSE_ARGON2_TIME_COST"],
        memory_cost=current_app.config["COURSE_ARGON2_MEMORY_COST"],
    )


def hash_password(password):
    """Hash a password with argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """Whether the password matches; False for a missing or malformed hash."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _common_stems():
    """The refused stems, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def _stem(password):
    """The password lower-cased, without spaces and trailing digits or symbols."""
    lowered = re.sub(r"\s+", "", password.lower())
    return re.sub(r"[\d\W_]+$", "", lowered)


def password_problem(password, email=None):
    """Why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return (
            f"Use at least {MIN_LENGTH} characters. A few unrelated words make a good passphrase."
        )
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    stem = _stem(password)
    if len(set(password)) < 4 or stem in _common_stems() or not stem:
        return "That password is one of the most commonly used. Choose something less guessable."
    if re.fullmatch(r"(0123456789|1234567890|9876543210)+\d*", password):
        return "That password is one of the most commonly used. Choose something less guessable."
    local_part = (email or "").split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        return "Do not include your email address in your password."
    return None
