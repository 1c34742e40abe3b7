"""Clinical notes from a transcript: summary, SOAP note and concepts, each statement tied to transcript spans."""
