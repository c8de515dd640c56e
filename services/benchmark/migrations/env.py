from services.benchmark.models import Base
from services.common.migrations_env import run

run(Base.metadata)
