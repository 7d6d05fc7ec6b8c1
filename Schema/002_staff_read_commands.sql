-- Resending a command id returns what the first command did; staff need to read that record.
GRANT SELECT ON commands TO newsroom_staff;
