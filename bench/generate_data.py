"""`python -m bench.generate_data --scale N [--seed S] [--today YYYY-MM-DD] [--users U]
[--milestones M]`: add the synthetic data set of `bench.data` to the configured database."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "declaration_tracker.settings")
    import django

    django.setup()
    from bench.data import Command

    args = sys.argv[1:] if argv is None else argv
    Command().run_from_argv(["python -m", "bench.generate_data", *args])


if __name__ == "__main__":
    main()
