"""A loopback S3 store for end-to-end cases: moto's server with IAM authentication (it checks every
request's SigV4 signature), a fault-injecting proxy in front of it, and the look-ups a case makes.

  s3_tool.py iam URL                  create a user with an access key allowed everything; print "KEY SECRET"
  s3_tool.py bucket URL NAME          create a bucket (signed with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
  s3_tool.py keys URL BUCKET PREFIX   print the keys under PREFIX, one a line
  s3_tool.py download URL BUCKET PREFIX DIR   copy every object under PREFIX into DIR (PREFIX stripped)
  s3_tool.py head URL BUCKET KEY      print the object's ContentType, CacheControl and Metadata as JSON
  s3_tool.py delete URL BUCKET KEY
  s3_tool.py proxy PORT UPSTREAM_PORT RULES_FILE COUNT_FILE
      forwards every request unchanged (so signatures still hold) to 127.0.0.1:UPSTREAM_PORT; a PUT whose
      path contains a line of RULES_FILE is answered 503 SlowDown instead; each PUT forwarded appends a
      line to COUNT_FILE.
"""
import json
import os
import sys


def client(url, service="s3"):
    import boto3
    from botocore.config import Config
    return boto3.client(service, endpoint_url=url, region_name=os.environ.get("AWS_REGION", "us-east-1"),
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def iam(url):
    import boto3
    c = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id="bootstrap",
                     aws_secret_access_key="bootstrap")
    c.create_user(UserName="prerender")
    key = c.create_access_key(UserName="prerender")["AccessKey"]
    c.put_user_policy(UserName="prerender", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    print(key["AccessKeyId"], key["SecretAccessKey"])


def keys(url, bucket, prefix):
    # The whole (small) bucket, filtered here: moto refuses the signature of a Prefix with '/' in it.
    out = []
    for page in client(url).get_paginator("list_objects_v2").paginate(Bucket=bucket):
        out += [o["Key"] for o in page.get("Contents", []) if o["Key"].startswith(prefix)]
    return out


def proxy(port, upstream, rules_file, count_file):
    import http.client
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            rules = open(rules_file).read().split() if os.path.exists(rules_file) else []
            if self.command == "PUT" and any(rule in self.path for rule in rules):
                reply = b"<Error><Code>SlowDown</Code><Message>Injected by the test proxy</Message></Error>"
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                return
            if self.command == "PUT":
                with open(count_file, "a") as f:
                    f.write(f"{self.path} {length}\n")
            conn = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("expect", "connection")}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            conn.close()

        do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = forward

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "iam":
        iam(args[0])
    elif cmd == "bucket":
        client(args[0]).create_bucket(Bucket=args[1])
    elif cmd == "keys":
        for key in keys(*args):
            print(key)
    elif cmd == "download":
        url, bucket, prefix, folder = args
        c = client(url)
        for key in keys(url, bucket, prefix):
            path = os.path.join(folder, key[len(prefix):])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(c.get_object(Bucket=bucket, Key=key)["Body"].read())
    elif cmd == "head":
        h = client(args[0]).head_object(Bucket=args[1], Key=args[2])
        print(json.dumps({"ContentType": h["ContentType"], "CacheControl": h.get("CacheControl", ""),
                          "Metadata": h["Metadata"]}))
    elif cmd == "delete":
        client(args[0]).delete_object(Bucket=args[1], Key=args[2])
    elif cmd == "proxy":
        proxy(int(args[0]), int(args[1]), args[2], args[3])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
