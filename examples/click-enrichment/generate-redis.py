# Expected output of manifest-redis.yaml: every click with the profile Redis holds now (the final state of
# profiles.csv, loaded by redis-commands.txt), empty fields for users Redis does not have. Run:
#   python3 generate-redis.py
import csv

redis = {}
for line in open('redis-commands.txt'):
    words = line.split()
    if words and words[0] == 'HSET':
        fields = dict(zip(words[2::2], words[3::2]))
        redis[words[1]] = fields
with open('clicks.csv') as f, open('expected-redis-enriched.csv', 'w', newline='') as out:
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['ts', 'user_id', 'page', 'age', 'gender'])
    for row in csv.DictReader(f):
        p = redis.get('profile:' + row['user_id'], {})
        w.writerow([row['ts'], row['user_id'], row['page'], p.get('age', ''), p.get('gender', '')])
