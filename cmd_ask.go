package main

import (
	"context"
	"errors"
)

func runAsk(ctx context.Context, e *env) error {
	return errors.New("not built yet")
}
