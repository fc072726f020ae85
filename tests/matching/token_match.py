"""How well one name of a record is met by a query: the measure the reading tests of the matcher share."""

from casework.people.names import analyse_name, token_similarity

GOOD = 0.8  # a reading the matcher takes for the same name


def best(query: str, record: str) -> float:
    """The best similarity of the single token of `record` with any token of `query`."""
    (target,) = analyse_name(record)
    return max(token_similarity(token, target)[0] for token in analyse_name(query))
