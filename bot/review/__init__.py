"""The review inbox: what the assistant was unsure of, labelled by staff, becomes training data (issue 21)."""
