package streams

// Precompile compiles the streams implementation (once per process; later
// calls return at once). The runtime calls it when a routine is created so
// that the first request to touch a stream does not pay for the compilation
// out of its CPU budget.
func Precompile() error {
	_, err := program()
	return err
}
