"""An independent eddsa-jcs-2022 signer and verifier (W3C Data Integrity EdDSA Cryptosuites v1.0, section 3.3),
written from the specification with PyNaCl (Ed25519) and jcs (RFC 8785), for swift-lmos interop tests.

verify FILE          prints the signer's did:key and exits 0, or prints the reason and exits 1
sign FILE SEED_HEX CREATED   prints FILE signed by the did:key of the 32-byte seed
"""
import hashlib
import json
import sys

import jcs
import nacl.exceptions
import nacl.signing

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DISCOVERY_CONTEXT = "https://www.w3.org/2022/wot/discovery"
DATA_INTEGRITY_CONTEXT = "https://w3id.org/security/data-integrity/v2"


def b58encode(data):
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = ALPHABET[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def b58decode(text):
    number = 0
    for character in text:
        number = number * 58 + ALPHABET.index(character)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public_key):
    return "did:key:z" + b58encode(b"\xed\x01" + public_key)


def hash_data(document, proof_config):
    return hashlib.sha256(jcs.canonicalize(proof_config)).digest() + hashlib.sha256(jcs.canonicalize(document)).digest()


def verify(document):
    proof = document.pop("proof", None)
    if not isinstance(proof, dict):
        return None, "no proof"
    document.pop("registration", None)
    if isinstance(document.get("@context"), list):
        document["@context"] = [c for c in document["@context"] if c != DISCOVERY_CONTEXT]
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return None, "not an eddsa-jcs-2022 DataIntegrityProof"
    method = proof.get("verificationMethod", "")
    did = method.split("#")[0]
    if not did.startswith("did:key:z"):
        return None, "this peer resolves did:key only"
    key = b58decode(did[len("did:key:z"):])
    if key[:2] != b"\xed\x01" or len(key) != 34:
        return None, "not an Ed25519 did:key"
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in config:
        context = document.get("@context")
        entries = context if isinstance(context, list) else [context]
        expected = config["@context"] if isinstance(config["@context"], list) else [config["@context"]]
        if entries[: len(expected)] != expected:
            return None, "@context changed"
        document["@context"] = config["@context"]
    signature = b58decode(proof.get("proofValue", "z")[1:])
    try:
        nacl.signing.VerifyKey(key[2:]).verify(hash_data(document, config), signature)
    except (nacl.exceptions.BadSignatureError, ValueError) as error:
        return None, "bad signature: %s" % error
    return did, None


def sign(document, seed, created):
    key = nacl.signing.SigningKey(seed)
    did = did_key(bytes(key.verify_key))
    document.pop("proof", None)
    context = document.get("@context")
    entries = context if isinstance(context, list) else ([context] if context is not None else [])
    if DATA_INTEGRITY_CONTEXT not in entries and "https://www.w3.org/ns/credentials/v2" not in entries:
        document["@context"] = entries + [DATA_INTEGRITY_CONTEXT]
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": created,
        "verificationMethod": did + "#" + did[len("did:key:"):],
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }
    signature = key.sign(hash_data(document, proof)).signature
    proof["proofValue"] = "z" + b58encode(signature)
    document["proof"] = proof
    return document


if __name__ == "__main__":
    with open(sys.argv[2], "rb") as f:
        document = json.loads(f.read())
    if sys.argv[1] == "verify":
        did, reason = verify(document)
        print(did if did else reason)
        sys.exit(0 if did else 1)
    elif sys.argv[1] == "sign":
        print(json.dumps(sign(document, bytes.fromhex(sys.argv[3]), sys.argv[4]), ensure_ascii=False, indent=2))
    else:
        sys.exit("usage: eddsa_jcs_peer.py verify FILE | sign FILE SEED_HEX CREATED")
