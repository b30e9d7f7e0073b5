import { AppError } from '../common/errors/app-error';

export const RealtimeErrors = {
  notSubscribed: () =>
    new AppError(409, 'not_subscribed', 'Subscribe to the room first (room.subscribe)'),
  rateLimited: () =>
    new AppError(429, 'rate_limited', 'Too many events on this connection; slow down'),
  unknownEvent: (event: string) =>
    new AppError(400, 'unknown_event', `Unknown event ${JSON.stringify(event).slice(0, 80)}`),
};
