from services.common.migrations_env import run
from services.scoring.models import Base

run(Base.metadata)
