"""Five-category loan classification (贷款五级分类): a loan's risk grade as the bank records it.

正常 normal and 关注 special mention are performing; 次级 substandard, 可疑 doubtful and 损失
loss are non-performing (不良). A loan is recorded normal and reclassified later, on a day
and by someone, through the loan writer; the non-performing ratio of the pipeline figures
counts the balances of the last three.
"""

from __future__ import annotations

from typing import Final

from crm.domain.errors import DomainError, Message

NORMAL: Final = "normal"
# In order of risk: a reclassification up or down this list is a grade worse or better.
CLASSES: Final = ("normal", "special_mention", "substandard", "doubtful", "loss")
NON_PERFORMING: Final = ("substandard", "doubtful", "loss")
CLASS_NAMES: Final = {
    "normal": Message("normal"),
    "special_mention": Message("special mention"),
    "substandard": Message("substandard"),
    "doubtful": Message("doubtful"),
    "loss": Message("loss"),
}


def check_class(code: str) -> str:
    """``code`` if it is one of the five categories, else refused naming them."""
    if code not in CLASSES:
        raise DomainError(
            "loan.classification",
            "'{code}' is not a loan classification (one of {choices})",
            code=code,
            choices=", ".join(CLASSES),
        )
    return code


def is_non_performing(code: str) -> bool:
    return code in NON_PERFORMING
