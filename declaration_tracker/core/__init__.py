"""Machinery both apps share: versioned rows, append-only tables, caches, form, admin and view
helpers. It imports neither app; `commitments` and `dialogues` build on it."""
