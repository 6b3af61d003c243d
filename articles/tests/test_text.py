from articles.text import excerpt_from_html, reading_minutes, truncate_text, unicode_slug


def test_excerpt_cuts_chinese_at_a_sentence_end():
    """A Chinese excerpt ends at 。！？ rather than mid-sentence."""
    text = "第一句话说完了。" * 3 + "第二句很长很长很长很长很长很长很长很长很长"
    out = truncate_text(text, 30)
    assert out.endswith("。") and len(out) <= 30


def test_excerpt_without_sentence_end_gets_an_ellipsis():
    """Text with no sentence end in reach is cut within the limit and marked with …."""
    out = truncate_text("很" * 100, 20)
    assert out.endswith("…") and len(out) == 20


def test_english_excerpt_is_cut_between_words():
    """English text is not cut in the middle of a word."""
    out = truncate_text("alpha beta gamma delta epsilon zeta eta theta", 20)
    assert out == "alpha beta gamma…"


def test_excerpt_from_html_has_no_tags_or_entities():
    """Excerpts are plain text: tags removed, entities decoded, blocks separated."""
    assert excerpt_from_html("<p>甲&amp;乙</p><p>丙</p>") == "甲&乙 丙"


def test_reading_time_counts_chinese_characters():
    """Reading time counts Chinese per character, not per (space-separated) word."""
    assert reading_minutes("字" * 2000) == 5
    assert reading_minutes("word " * 440) == 2


def test_unicode_slug_keeps_chinese_and_falls_back():
    """Slugs keep Chinese characters and are never empty."""
    assert unicode_slug("Windows 10_11 新版") == "windows-10_11-新版"
    assert unicode_slug("！！") == "article"
