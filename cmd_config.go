package main

import (
	"context"
	"errors"
)

func runConfig(ctx context.Context, e *env) error {
	return errors.New("not built yet")
}
