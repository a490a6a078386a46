"""New York City: the detainer laws (Admin. Code §9-131 and parallels), under which a
detainer is honored only on a federal judge's warrant and a covered conviction."""
