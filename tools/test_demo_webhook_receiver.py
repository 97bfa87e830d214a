"""The demo receiver's signature check, against the Standard Webhooks specification's own example."""
import unittest

from demo_webhook_receiver import secret_key, verified

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"test": 2432232314}'
HEADERS = {
    "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
    "webhook-timestamp": "1614265330",
    "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
}


class SignatureTests(unittest.TestCase):
    def test_the_specifications_example_verifies(self):
        self.assertTrue(verified(secret_key(SECRET), HEADERS, BODY))

    def test_a_changed_body_or_id_does_not(self):
        self.assertFalse(verified(secret_key(SECRET), HEADERS, BODY + b" "))
        self.assertFalse(verified(secret_key(SECRET), dict(HEADERS, **{"webhook-id": "msg_other"}), BODY))

    def test_any_of_several_signatures_may_match(self):
        headers = dict(HEADERS, **{"webhook-signature": "v1,bm90IGl0 " + HEADERS["webhook-signature"]})
        self.assertTrue(verified(secret_key(SECRET), headers, BODY))


if __name__ == "__main__":
    unittest.main()
