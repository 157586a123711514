"""Demo data for trying custtui out: `custtui demo`, the screenshots, tests and benchmarks.

Not domain logic, so not a service: it writes rows with SQLAlchemy Core in
bulk, below the services' rules, for speed. `world` holds the places, names
and words; `variations` how people write phones and VAT numbers and the
typos of duplicates; `generate` builds and inserts the rows.
"""

from custtui.demo.generate import generate_demo
from custtui.demo.world import DEMO_LABELS, REFERENCE_DATE, DemoResult

__all__ = ["DEMO_LABELS", "REFERENCE_DATE", "DemoResult", "generate_demo"]
