"""Georgia: HB 1105 (2024), under which a jail must honor detainers and check each confined
person's nationality and status within 48 hours of arrival."""
