/* Names for the channel contract's enums (drivers/include/drivers/channel.h). */
#include "drivers/channel.h"

const char *channel_kind_str(enum channel_kind k)
{
	switch (k) {
	case CHANNEL_MODEM:
		return "modem";
	case CHANNEL_TWILIO:
		return "twilio";
	case CHANNEL_TELESIGN:
		return "telesign";
	}
	return "?";
}

const char *channel_delivery_str(enum channel_delivery d)
{
	switch (d) {
	case CHANNEL_DELIVERED:
		return "delivered";
	case CHANNEL_UNDELIVERED:
		return "undelivered";
	case CHANNEL_PENDING:
		return "pending";
	}
	return "?";
}
