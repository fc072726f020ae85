"""Documentation that is generated from code must match the code."""

from pathlib import Path

from django.conf import settings

from casework.core.diagram import END, START, mermaid_er_diagram


def test_data_model_diagram_is_up_to_date():
    document = (Path(settings.BASE_DIR) / "docs" / "data-model.md").read_text()
    committed = document.split(START, 1)[1].split(END, 1)[0].strip()
    assert committed == mermaid_er_diagram().strip(), "run: python manage.py data_model_diagram --write"


def test_diagram_marks_sensitive_fields():
    diagram = mermaid_er_diagram()
    assert 'Text findings "L3"' in diagram
    # Encrypted at rest (core.fields): a text column whatever the length of the plaintext.
    assert 'Text exact_location "L3"' in diagram
    assert "Person ||--o{ CustodyPeriod : person" in diagram
