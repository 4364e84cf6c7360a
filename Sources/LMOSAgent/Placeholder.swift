// The agent module; see Agent.swift.
