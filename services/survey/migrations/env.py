from services.common.migrations_env import run
from services.survey.models import Base

run(Base.metadata)
