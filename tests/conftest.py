import sys
from pathlib import Path

# tests/ holds helper packages (the corpus, fixture engines) imported by name.
sys.path.insert(0, str(Path(__file__).parent))
