"""Files the tests read. The official-text samples are INVENTED test data, not the official
texts of the declaration (each says so at its head)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
OFFICIAL_TEXT_SAMPLE = HERE / "official_text_sample.yaml"
OFFICIAL_TEXT_SAMPLE_JA = HERE / "official_text_sample_ja.yaml"
OFFICIAL_TEXT_SAMPLES = (OFFICIAL_TEXT_SAMPLE, OFFICIAL_TEXT_SAMPLE_JA)
