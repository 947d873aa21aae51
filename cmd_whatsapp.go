package main

import (
	"context"
	"errors"
)

func runWhatsApp(ctx context.Context, e *env) error {
	return errors.New("not built yet")
}
