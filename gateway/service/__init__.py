"""What the API asks for, as store transactions. The API never talks to a lock: it declares
state here, and the engine is woken to make the locks match."""
