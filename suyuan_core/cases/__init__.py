"""Cases: the projection of events into a case, and the services that write them."""
