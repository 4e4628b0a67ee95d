"""Rendering creatives: layout (where the product goes) and the engines that paint the scene around it."""
