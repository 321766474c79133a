"""Test ids that every pytest-xdist worker writes alike: sets in sorted order, functions by
name (a set's order and a lambda's address differ from one process to the next, and the
workers must collect the same tests)."""


def stable(value) -> str:
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable(item) for item in value)) + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable(item) for item in value) + "]"
    if callable(value):
        return getattr(value, "__name__", "computed").replace("<lambda>", "computed")
    return repr(value)
