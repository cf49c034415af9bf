"""Privacy (AVG): inzage of everything held about a person, erasure
(pseudonymisation) on request or after the retention period."""
