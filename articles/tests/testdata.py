from pathlib import Path

POSTS = Path(__file__).resolve().parent / "data" / "posts"
