package bot

import (
	"context"
	"errors"
	"sync"
)

// errBusy means more questions wait for an answer than the core takes on:
// the user is asked to try again instead of waiting behind all of them.
var errBusy = errors.New("too many questions waiting for an answer")

// answering bounds the work of the engine (retrieval and, above all, the
// LLM) apart from everything else the core does: commands, small talk and
// /article never wait for it. At most workers answers are computed at
// once, at most queue more questions wait for a turn, and one user's
// questions are answered one after another, so that one user cannot take
// every turn.
type answering struct {
	slots   chan struct{} // one per answer being computed
	admit   chan struct{} // one per question computing or waiting
	mu      sync.Mutex
	byUser  map[string]*userTurn
	workers int
}

// userTurn lets one question of a user at a time through.
type userTurn struct {
	turn    chan struct{}
	waiting int // questions of the user holding or waiting for turn
}

func newAnswering(workers, queue int) *answering {
	workers = max(workers, 1)
	return &answering{
		slots:   make(chan struct{}, workers),
		admit:   make(chan struct{}, workers+max(queue, 0)),
		byUser:  map[string]*userTurn{},
		workers: workers,
	}
}

// acquire waits for user's turn and a free worker. It returns errBusy at
// once when the queue is full, and ctx's error when ctx ends first.
func (p *answering) acquire(ctx context.Context, user string) (release func(), err error) {
	select {
	case p.admit <- struct{}{}:
	default:
		return nil, errBusy
	}
	u := p.enter(user)
	select {
	case u.turn <- struct{}{}:
	case <-ctx.Done():
		p.leave(user, u)
		<-p.admit
		return nil, ctx.Err()
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		<-u.turn
		p.leave(user, u)
		<-p.admit
		return nil, ctx.Err()
	}
	return func() {
		<-p.slots
		<-u.turn
		p.leave(user, u)
		<-p.admit
	}, nil
}

func (p *answering) enter(user string) *userTurn {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.byUser[user]
	if u == nil {
		u = &userTurn{turn: make(chan struct{}, 1)}
		p.byUser[user] = u
	}
	u.waiting++
	return u
}

// leave forgets a user with nothing in progress, so the map stays as small
// as the number of users waiting.
func (p *answering) leave(user string, u *userTurn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if u.waiting--; u.waiting == 0 {
		delete(p.byUser, user)
	}
}
