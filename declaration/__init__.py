"""The declaration as a whole: its reader page and the loading of its data file."""
