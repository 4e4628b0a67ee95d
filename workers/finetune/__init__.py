"""The placement fine-tune: training data from product photos (dataset.py)."""
