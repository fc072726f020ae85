"""Reports and the home page ("my work"): reads across apps, so it sits right of every domain app."""
