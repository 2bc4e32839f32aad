"""How report text wraps: Chinese anywhere but never before its punctuation, English only at
spaces."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from crm.reports.document import Styles, para


def _lines(p: Paragraph, width: float) -> list[str]:
    p.wrap(width, 10_000)
    lines = []
    for line in p.blPara.lines:
        if isinstance(line, tuple):  # wrapped at spaces: (extra space, words)
            lines.append(" ".join(line[1]))
        else:  # wrapped the CJK way: fragments of text
            lines.append("".join(str(w.text) for w in line.words).strip())
    return lines


def test_english_wraps_at_spaces_only() -> None:
    text = "Trade and logistics quick loan for wholesale, retail and logistics firms"
    words = set(text.split())
    for width in range(60, 200, 9):
        for line in _lines(para(text, Styles.cell), width):
            assert set(line.split()) <= words, (width, line)


def test_chinese_wraps_within_the_width_and_never_before_its_punctuation() -> None:
    text = "经营情况良好，订单稳定；" * 30
    for width in range(80, 400, 13):
        lines = _lines(para(text, Styles.body), width)
        assert len(lines) > 1
        assert not [line for line in lines if line.startswith(("，", "；"))], width
