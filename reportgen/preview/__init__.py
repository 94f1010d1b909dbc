"""The live preview behind `reportgen serve`: builds on change, deck slides as HTML, page assets."""
