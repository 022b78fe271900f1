"""Exact-to-display arithmetic.

Invariants: scores stay Fractions until shown; the only inexact step is a square root, taken
in a private 28-digit decimal context so that the caller's global context never changes a
result; `display` rounds half-up (away from zero) on the exact value, never twice.
"""

import math
from decimal import Context, Decimal
from fractions import Fraction

_CONTEXT = Context(prec=28)


def to_decimal(value: Fraction) -> Decimal:
    """Decimal nearest to `value` at 28 significant digits."""
    return _CONTEXT.divide(Decimal(value.numerator), Decimal(value.denominator))


def sqrt(value: Fraction) -> Decimal:
    """Square root of a non-negative Fraction at 28 significant digits."""
    return _CONTEXT.sqrt(to_decimal(value))


def display(value: Fraction | Decimal | int, places: int = 2) -> str:
    """French rendering with a decimal comma, rounded half-up: Fraction(107, 40) -> "2,68"."""
    exact = Fraction(value)
    units = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    sign = "-" if exact < 0 and units else ""
    digits = str(units).rjust(places + 1, "0")
    if places == 0:
        return sign + digits
    return f"{sign}{digits[:-places]},{digits[-places:]}"
