"""The roster: people and organisations, their roles and the areas they cover."""
