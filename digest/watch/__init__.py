"""python build.py --watch: build, serve output/ for preview, rebuild on every save, reload the browser."""
