"""Sample organizations: fictional but realistic, regenerable from a seed."""

from cmtraining.samples.organizations import (
    list_organizations,
    load_metrics,
    load_organization,
    sample_workbook,
)

__all__ = ["list_organizations", "load_metrics", "load_organization", "sample_workbook"]
