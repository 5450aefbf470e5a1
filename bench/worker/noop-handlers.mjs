// The benchmark's handlers for `livequeue worker`: a no-op `bench` handler.
export default { bench: async () => null }
