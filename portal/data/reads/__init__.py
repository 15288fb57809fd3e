"""What pages show, read in as few queries as each page needs, grouped by area.

Functions that take `parent` (a parent row) read what that parent may see,
through the conditions in portal.data.access; without it they read what
staff see, drafts included.
"""
