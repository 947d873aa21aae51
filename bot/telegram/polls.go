package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"atazan/bot"
)

// SendPoll sends a battle round as a native poll: a quiz with its correct
// option and explanation, or a regular poll for the best argument. Polls
// are not anonymous, so that poll_answer updates say who voted.
func (r *responder) SendPoll(ctx context.Context, p bot.Poll) (msgID, pollID string, err error) {
	options, err := json.Marshal(p.Options)
	if err != nil {
		return "", "", fmt.Errorf("encoding poll options: %w", err)
	}
	params := tgbotapi.Params{
		"chat_id":      strconv.FormatInt(r.chatID, 10),
		"question":     p.Question,
		"options":      string(options),
		"is_anonymous": "false",
		"type":         "regular",
	}
	if p.Quiz {
		params["type"] = "quiz"
		params["correct_option_id"] = strconv.Itoa(p.Correct)
		params.AddNonEmpty("explanation", p.Explanation)
	}
	resp, err := r.a.call(ctx, "sendPoll", params)
	if err != nil {
		return "", "", err
	}
	var m tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &m); err != nil || m.Poll == nil {
		return "", "", fmt.Errorf("sendPoll: the result is not a poll message: %s", resp.Result)
	}
	return strconv.Itoa(m.MessageID), m.Poll.ID, nil
}

// StopPoll closes a poll when its round ends, so late votes cannot come.
func (r *responder) StopPoll(ctx context.Context, msgID string) error {
	id, err := strconv.Atoi(msgID)
	if err != nil {
		return fmt.Errorf("stopping poll %q: not a Telegram message id", msgID)
	}
	_, err = r.a.request(ctx, "stopPoll", tgbotapi.NewStopPoll(r.chatID, id))
	return err
}

// handlePollAnswer passes a vote in a battle poll to the core. The update
// names the voter and the poll but not the chat: the core knows the poll.
func (a *Adapter) handlePollAnswer(ctx context.Context, pa *tgbotapi.PollAnswer) error {
	if pa.User.ID == 0 {
		return nil // a vote on behalf of a chat (an anonymous admin): no player to score
	}
	in := bot.Incoming{
		Platform:   bot.Telegram,
		UserID:     strconv.FormatInt(pa.User.ID, 10),
		UserName:   displayName(&pa.User),
		LangHint:   pa.User.LanguageCode,
		PollAnswer: &bot.PollAnswer{PollID: pa.PollID, Options: pa.OptionIDs},
	}
	// A vote gets no reply; the responder only completes the call.
	if err := a.core.Handle(ctx, in, a.newResponder(pa.User.ID, 0)); err != nil {
		return fmt.Errorf("recording a vote in poll %s: %w", pa.PollID, err)
	}
	return nil
}
