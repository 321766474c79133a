"""The managers' dashboard: its figures (`figures`), its page (`views`) and its API view (`api`)."""
