"""Physical constants, each defined once.

>>> STANDARD_GRAVITY
9.80665
"""

__all__ = ["STANDARD_GRAVITY"]

#: m/s^2 in one g: standard gravity (CGPM 1901), used to turn accelerations into g and back.
STANDARD_GRAVITY = 9.80665
