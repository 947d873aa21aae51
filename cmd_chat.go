package main

import (
	"context"
	"errors"
)

func runChat(ctx context.Context, e *env) error {
	return errors.New("not built yet")
}
